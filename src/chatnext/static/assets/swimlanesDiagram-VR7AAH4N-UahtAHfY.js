import{c as r,s as e}from"./flowDiagram-HODETNUW-Cm3NT_nX.js";import{_ as a}from"./mermaid.core-dmF6wFo5.js";import"./chunk-5VM5RSS4-tNFk-r_j.js";import"./chunk-XXDRQBXY-C2Zo68pJ.js";import"./chunk-POPQ4Y6H-EiqKV2HR.js";import"./chunk-F27PBJKO-BG85GFiS.js";import"./index-Dvg7oDxc.js";import"./channel-DWyPCoTI.js";import"./_commonjsHelpers-CqkleIqs.js";var o=a(t=>`${e(t)}
  .swimlane.cluster rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,"getStyles"),m=o,y=r({defaultLayout:"swimlane",styles:m});export{y as diagram};
